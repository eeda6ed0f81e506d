-- The certification codes the catalogue counts: for each competency, the codes of its
-- broadest people goal (docs/policies.md, "The catalogue"). One place for a code the
-- program renames or retires, and for codes several competencies share (AZ-104, MS-102,
-- PL-200, ...). A goal for one specific code ("1 certified person (AZ-305)") and the
-- online assessments (TA-...) stay in their policy.
return {
  -- Azure: applications, infrastructure, operations
  APPDEV = { "AZ-204", "PL-400", "AZ-400" },               -- application-development
  INTEGRATION = { "AZ-204", "AZ-305", "PL-400" },          -- application-integration
  AZURE = { "AZ-104", "AZ-204", "AZ-305" },                -- cloud-platform
  DATACENTER = { "AZ-800", "AZ-801", "AZ-104", "AZ-140" }, -- datacenter
  DEVOPS = { "AZ-400", "AZ-104", "AZ-204" },               -- devops
  -- data and security
  DATA = { "DP-203", "DP-100", "PL-300" },                 -- data-analytics
  DATA_PLATFORM = { "DP-300", "DP-203", "DP-420" },        -- data-platform
  SECURITY = { "SC-200", "SC-300", "SC-100", "AZ-500" },   -- security
  -- Microsoft 365
  PRODUCTIVITY = { "MS-102", "MS-700", "MS-203", "MD-102" }, -- cloud-productivity
  CONTENT = { "MS-102", "MS-700", "SC-400", "PL-200" },    -- collaboration-and-content
  COMMUNICATIONS = { "MS-700", "MS-721", "MS-102" },       -- communications
  MOBILITY = { "MD-102", "SC-300", "MS-102", "SC-400" },   -- enterprise-mobility-management
  MESSAGING = { "MS-203", "MS-102" },                      -- messaging
  DEVICES = { "MD-102", "MS-102", "AZ-140" },              -- windows-and-devices
  SMB = { "MS-102", "AZ-104", "MD-102", "MB-800" },        -- small-and-midmarket-cloud-solutions
  -- Dynamics 365 and the Power Platform
  BIZAPPS = { "MB-210", "MB-220", "MB-230", "MB-240", "PL-200", "PL-400", "PL-600" }, -- cloud-business-applications
  ERP = { "MB-310", "MB-330", "MB-500", "MB-700", "MB-800", "MB-820" }, -- enterprise-resource-planning
  PROJECT = { "PL-200", "PL-600", "MS-102" },              -- project-and-portfolio-management
  -- training
  TRAINERS = { "MCT" },                                    -- learning: Microsoft Certified Trainers
}
