-- Application Integration: connecting applications and data with Azure integration services
-- (Logic Apps, API Management, Service Bus) and Power Automate. Skills-based only: the
-- program set no performance goal for it.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "application-integration",
  name = "Application Integration",
  benefits = {
    silver = { "Azure credits for internal use", "Listing in the partner directory" },
    gold = { "Larger Azure credits for internal use", "Priority listing in the partner directory",
             "Technical pre-sales consultations" },
  },
  paths = {
    a.path { id = "skills", level = "silver",
      a.certified { people = 2, codes = codes.INTEGRATION },
      a.assessed { people = 1, codes = { "TA-INTEGRATION" } } },
    a.path { id = "skills", level = "gold",
      a.certified { people = 4, codes = codes.INTEGRATION },
      a.certified { people = 1, codes = { "AZ-305" } },
      a.assessed { people = 2, codes = { "TA-INTEGRATION" } } },
  },
}
