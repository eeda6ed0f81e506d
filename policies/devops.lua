-- DevOps: continuous delivery and operations on Azure.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "devops",
  name = "DevOps",
  benefits = {
    silver = { "DevOps service credits" },
    gold = { "DevOps service credits", "Co-marketing funds" },
  },
  paths = {
    a.path { id = "revenue", level = "silver",
      a.certified { people = 2, codes = codes.DEVOPS },
      a.revenue { metric = "devops_revenue", months = 12, at_least = 10000 } },
    a.path { id = "skills", level = "silver",
      a.certified { people = 1, codes = { "AZ-400" } },
      a.assessed { people = 3, codes = { "TA-DEVOPS" } } },
    a.path { id = "revenue", level = "gold",
      a.certified { people = 4, codes = codes.DEVOPS },
      a.certified { people = 2, codes = { "AZ-400" } },
      a.revenue { metric = "devops_revenue", months = 12, at_least = 40000 } },
  },
}
