-- Data Analytics: data engineering, data science and business intelligence.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "data-analytics",
  name = "Data Analytics",
  benefits = {
    silver = { "Analytics sandbox subscription", "Listing in the partner directory" },
    gold = { "Analytics sandbox subscription", "Co-selling with the data team",
             "Priority listing in the partner directory" },
  },
  paths = {
    a.path { id = "revenue", level = "silver",
      a.certified { people = 2, codes = codes.DATA },
      a.revenue { metric = "data_analytics_revenue", months = 12, at_least = 10000 } },
    a.path { id = "skills", level = "silver",
      a.certified { people = 3, codes = codes.DATA },
      a.assessed { people = 2, codes = { "TA-DATA" } } },
    a.path { id = "revenue", level = "gold",
      a.certified { people = 4, codes = codes.DATA },
      a.any { label = "a data engineer or a data scientist",
        a.certified { people = 1, codes = { "DP-203" } },
        a.certified { people = 1, codes = { "DP-100" } } },
      a.revenue { metric = "data_analytics_revenue", months = 12, at_least = 50000 } },
  },
}
