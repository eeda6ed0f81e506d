-- Enterprise Mobility Management: identity, device management and information protection
-- (Entra ID, Intune, Purview). Performance is deployed seats or active usage.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "enterprise-mobility-management",
  name = "Enterprise Mobility Management",
  benefits = {
    silver = { "Enterprise Mobility + Security licences for internal use" },
    gold = { "Enterprise Mobility + Security licences for internal use", "Deployment planning services vouchers" },
  },
  paths = {
    a.path { id = "seats", level = "silver",
      a.certified { people = 2, codes = codes.MOBILITY },
      a.seats { metric = "ems_deployed_seats", at_least = 200 } },
    a.path { id = "usage", level = "silver",
      a.certified { people = 2, codes = codes.MOBILITY },
      a.usage { metric = "ems_active_usage", months = 3, at_least = 150 } },
    a.path { id = "seats", level = "gold",
      a.certified { people = 4, codes = codes.MOBILITY },
      a.certified { people = 1, codes = { "SC-300" } },
      a.seats { metric = "ems_deployed_seats", at_least = 800 } },
    a.path { id = "usage", level = "gold",
      a.certified { people = 4, codes = codes.MOBILITY },
      a.assessed { people = 2, codes = { "TA-EMM" } },
      a.usage { metric = "ems_active_usage", months = 3, at_least = 600 } },
  },
}
