-- Cloud Platform: Azure infrastructure and consumption.
-- Silver: certified Azure people plus consumed revenue, or a skills-only path
-- with more certified people and passed assessments. Gold: more of both.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "cloud-platform",
  name = "Cloud Platform",
  benefits = {
    silver = { "Azure credits for internal use", "Listing in the partner directory" },
    gold = { "Larger Azure credits for internal use", "Priority listing in the partner directory",
             "Partner-to-partner referrals" },
  },
  paths = {
    a.path { id = "consumption", level = "silver",
      a.certified { people = 2, codes = codes.AZURE },
      a.revenue { metric = "azure_consumed_revenue", months = 12, at_least = 15000 } },
    a.path { id = "skills", level = "silver",
      a.certified { people = 3, codes = codes.AZURE },
      a.assessed { people = 2, codes = { "TA-CLOUD" } } },
    a.path { id = "consumption", level = "gold",
      a.certified { people = 4, codes = codes.AZURE },
      a.certified { people = 1, codes = { "AZ-305" } },
      a.revenue { metric = "azure_consumed_revenue", months = 12, at_least = 60000 } },
    a.path { id = "scale", level = "gold",
      a.certified { people = 5, codes = codes.AZURE },
      a.revenue { metric = "azure_consumed_revenue", months = 12, at_least = 150000 } },
  },
}
