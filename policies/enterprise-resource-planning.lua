-- Enterprise Resource Planning: Dynamics 365 Finance, Supply Chain Management and
-- Business Central. Performance is ERP revenue or new ERP customers.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "enterprise-resource-planning",
  name = "Enterprise Resource Planning",
  benefits = {
    silver = { "Dynamics 365 licences for internal use", "Listing in the partner directory" },
    gold = { "Dynamics 365 licences for internal use", "Priority listing in the partner directory",
             "Implementation assurance reviews" },
  },
  paths = {
    a.path { id = "revenue", level = "silver",
      a.certified { people = 2, codes = codes.ERP },
      a.revenue { metric = "dynamics_erp_revenue", months = 12, at_least = 15000 } },
    a.path { id = "customers", level = "silver",
      a.certified { people = 2, codes = codes.ERP },
      a.customers { metric = "erp_new_customers", months = 12, at_least = 5 } },
    a.path { id = "revenue", level = "gold",
      a.certified { people = 4, codes = codes.ERP },
      a.certified { people = 1, codes = { "MB-700" } },
      a.revenue { metric = "dynamics_erp_revenue", months = 12, at_least = 75000 } },
    a.path { id = "customers", level = "gold",
      a.certified { people = 4, codes = codes.ERP },
      a.assessed { people = 2, codes = { "TA-ERP" } },
      a.customers { metric = "erp_new_customers", months = 12, at_least = 15 } },
  },
}
