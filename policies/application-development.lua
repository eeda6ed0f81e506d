-- Application Development: building applications on Azure and the Power Platform.
-- Performance is new customers added over the last 12 months.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "application-development",
  name = "Application Development",
  benefits = {
    silver = { "Development tool subscriptions" },
    gold = { "Development tool subscriptions", "Technical pre-sales consultations" },
  },
  paths = {
    a.path { id = "customers", level = "silver",
      a.certified { people = 2, codes = codes.APPDEV },
      a.customers { metric = "appdev_new_customers", months = 12, at_least = 5 } },
    a.path { id = "skills", level = "silver",
      a.certified { people = 2, codes = codes.APPDEV },
      a.assessed { people = 3, codes = { "TA-APPDEV" } } },
    a.path { id = "customers", level = "gold",
      a.certified { people = 4, codes = codes.APPDEV },
      a.customers { metric = "appdev_new_customers", months = 12, at_least = 20 } },
  },
}
