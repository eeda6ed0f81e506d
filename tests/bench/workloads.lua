-- tests/bench/workloads.lua — the partner program as the benchmark data generator shapes it
-- (docs/generator.md): per competency of the shipped catalogue (policies/*.lua), the
-- certifications that usually count for it, its online assessment and the metrics its
-- performance goals read; per metric, the goal kind that reads it. Plain data, no
-- dependencies: gen.lua, check_gen.lua and the specs (the codes and metric names the
-- generator emits) require it.
--
-- The policies' code lists overlap these without always matching: a competency's `certs`
-- are the codes of its broadest people goal, which is what makes an organisation focused on
-- it qualify (a gold goal for one specific code is met by some organisations, not all).
local M = {}

-- `assessed`: the competency's silver paths all need a passed assessment (it has no
-- performance goal), so the generator's rule cases give their people one (docs/generator.md).
M.COMPETENCIES = {
  { id = "application-development", certs = { "AZ-204", "PL-400", "AZ-400" },
    assess = "TA-APPDEV", metrics = { "appdev_new_customers" } },
  { id = "application-integration", certs = { "AZ-204", "AZ-305", "PL-400" },
    assess = "TA-INTEGRATION", metrics = {}, assessed = true },
  { id = "cloud-business-applications",
    certs = { "MB-210", "MB-220", "MB-230", "MB-240", "PL-200", "PL-400", "PL-600" },
    assess = "TA-BIZAPPS", metrics = { "dynamics_ce_revenue", "dynamics_ce_seats" } },
  { id = "cloud-platform", certs = { "AZ-104", "AZ-204", "AZ-305" },
    assess = "TA-CLOUD", metrics = { "azure_consumed_revenue" } },
  { id = "cloud-productivity", certs = { "MS-102", "MS-700", "MS-203", "MD-102" },
    assess = "TA-PRODUCTIVITY", metrics = { "m365_active_usage", "m365_deployed_seats" } },
  { id = "collaboration-and-content", certs = { "MS-102", "MS-700", "SC-400", "PL-200" },
    assess = "TA-CONTENT", metrics = { "sharepoint_active_usage" } },
  { id = "communications", certs = { "MS-700", "MS-721", "MS-102" },
    assess = "TA-COMMS", metrics = { "teams_active_usage", "teams_phone_seats" } },
  { id = "data-analytics", certs = { "DP-203", "DP-100", "PL-300" },
    assess = "TA-DATA", metrics = { "data_analytics_revenue" } },
  { id = "data-platform", certs = { "DP-300", "DP-203", "DP-420" },
    assess = "TA-DATA-PLATFORM", metrics = { "azure_data_revenue" } },
  { id = "datacenter", certs = { "AZ-800", "AZ-801", "AZ-104", "AZ-140" },
    assess = "TA-DATACENTER", metrics = {}, assessed = true },
  { id = "devops", certs = { "AZ-400", "AZ-104", "AZ-204" },
    assess = "TA-DEVOPS", metrics = { "devops_revenue" } },
  { id = "enterprise-mobility-management", certs = { "MD-102", "SC-300", "MS-102", "SC-400" },
    assess = "TA-EMM", metrics = { "ems_deployed_seats", "ems_active_usage" } },
  { id = "enterprise-resource-planning",
    certs = { "MB-310", "MB-330", "MB-500", "MB-700", "MB-800", "MB-820" },
    assess = "TA-ERP", metrics = { "dynamics_erp_revenue", "erp_new_customers" } },
  { id = "learning", certs = { "MCT" },
    assess = "TA-LEARNING", metrics = { "learning_new_customers" } },
  { id = "messaging", certs = { "MS-203", "MS-102" },
    assess = "TA-MESSAGING", metrics = { "exchange_active_usage" } },
  { id = "project-and-portfolio-management", certs = { "PL-200", "PL-600", "MS-102" },
    assess = "TA-PROJECT", metrics = { "project_deployed_seats" } },
  { id = "security", certs = { "AZ-500", "SC-200", "SC-300", "SC-100" },
    assess = "TA-SECURITY", metrics = { "security_revenue", "security_active_usage" } },
  { id = "small-and-midmarket-cloud-solutions", certs = { "MS-102", "AZ-104", "MD-102", "MB-800" },
    assess = "TA-SMB", metrics = { "smb_new_customers", "smb_deployed_seats" } },
  { id = "windows-and-devices", certs = { "MD-102", "MS-102", "AZ-140" },
    assess = "TA-DEVICES", metrics = { "windows_deployed_seats" } },
}

-- Per metric: the goal kind that reads it (docs/policies.md): revenue and customers are
-- summed over 12 months, usage averaged over 3, seats the latest report. `assessed`: the
-- silver path on this metric also needs the competency's assessment.
M.METRICS = {
  { "appdev_new_customers", "customers" },
  { "dynamics_ce_revenue", "revenue" }, { "dynamics_ce_seats", "seats" },
  { "azure_consumed_revenue", "revenue" },
  { "m365_active_usage", "usage", assessed = true }, { "m365_deployed_seats", "seats" },
  { "sharepoint_active_usage", "usage" },
  { "teams_active_usage", "usage" }, { "teams_phone_seats", "seats" },
  { "data_analytics_revenue", "revenue" },
  { "azure_data_revenue", "revenue" },
  { "devops_revenue", "revenue" },
  { "ems_deployed_seats", "seats" }, { "ems_active_usage", "usage" },
  { "dynamics_erp_revenue", "revenue" }, { "erp_new_customers", "customers" },
  { "learning_new_customers", "customers" },
  { "exchange_active_usage", "usage" },
  { "project_deployed_seats", "seats" },
  { "security_revenue", "revenue" }, { "security_active_usage", "usage" },
  { "smb_new_customers", "customers" }, { "smb_deployed_seats", "seats", assessed = true },
  { "windows_deployed_seats", "seats" },
}

-- Every certification and assessment code above, each once, in order of first appearance.
M.CERTIFICATIONS, M.ASSESSMENTS = {}, {}
do
  local seen = {}
  for _, c in ipairs(M.COMPETENCIES) do
    for _, code in ipairs(c.certs) do
      if not seen[code] then seen[code] = true; M.CERTIFICATIONS[#M.CERTIFICATIONS + 1] = code end
    end
    M.ASSESSMENTS[#M.ASSESSMENTS + 1] = c.assess
  end
end

return M
