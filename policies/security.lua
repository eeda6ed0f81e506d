-- Security: identity, threat protection and security architecture.
-- Silver and gold each have a revenue path and an active-usage path.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "security",
  name = "Security",
  benefits = {
    silver = { "Security product licences for internal use" },
    gold = { "Security product licences for internal use", "Access to the security partner advisory board",
             "Co-marketing funds" },
  },
  paths = {
    a.path { id = "revenue", level = "silver",
      a.certified { people = 2, codes = codes.SECURITY },
      a.revenue { metric = "security_revenue", months = 12, at_least = 12000 } },
    a.path { id = "usage", level = "silver",
      a.certified { people = 2, codes = codes.SECURITY },
      a.usage { metric = "security_active_usage", months = 3, at_least = 150 } },
    a.path { id = "revenue", level = "gold",
      a.certified { people = 4, codes = codes.SECURITY },
      a.certified { people = 1, codes = { "SC-100" } },
      a.revenue { metric = "security_revenue", months = 12, at_least = 80000 } },
    a.path { id = "usage", level = "gold",
      a.certified { people = 4, codes = codes.SECURITY },
      a.assessed { people = 2, codes = { "TA-SECURITY" } },
      a.usage { metric = "security_active_usage", months = 3, at_least = 600 } },
  },
}
