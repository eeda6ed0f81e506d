-- Cloud Business Applications: Dynamics 365 customer engagement (sales, marketing, customer
-- service, field service) and the Power Platform. Performance is Dynamics 365 revenue or
-- deployed seats.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "cloud-business-applications",
  name = "Cloud Business Applications",
  benefits = {
    silver = { "Dynamics 365 licences for internal use", "Listing in the partner directory" },
    gold = { "Dynamics 365 licences for internal use", "Priority listing in the partner directory",
             "Co-selling with the business applications team" },
  },
  paths = {
    a.path { id = "revenue", level = "silver",
      a.certified { people = 2, codes = codes.BIZAPPS },
      a.revenue { metric = "dynamics_ce_revenue", months = 12, at_least = 12000 } },
    a.path { id = "seats", level = "silver",
      a.certified { people = 2, codes = codes.BIZAPPS },
      a.seats { metric = "dynamics_ce_seats", at_least = 150 } },
    a.path { id = "revenue", level = "gold",
      a.certified { people = 4, codes = codes.BIZAPPS },
      a.certified { people = 1, codes = { "PL-600" } },
      a.revenue { metric = "dynamics_ce_revenue", months = 12, at_least = 60000 } },
    a.path { id = "seats", level = "gold",
      a.certified { people = 4, codes = codes.BIZAPPS },
      a.assessed { people = 2, codes = { "TA-BIZAPPS" } },
      a.seats { metric = "dynamics_ce_seats", at_least = 700 } },
  },
}
