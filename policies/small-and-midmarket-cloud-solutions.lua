-- Small and Midmarket Cloud Solutions: Microsoft 365, Azure and Business Central for small
-- and midsize customers. Performance is new customers, or deployed seats with a passed
-- assessment; gold needs both customers and seats.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "small-and-midmarket-cloud-solutions",
  name = "Small and Midmarket Cloud Solutions",
  benefits = {
    silver = { "Microsoft 365 Business Premium licences for internal use" },
    gold = { "Microsoft 365 Business Premium licences for internal use", "Co-marketing funds",
             "Priority listing in the partner directory" },
  },
  paths = {
    a.path { id = "customers", level = "silver",
      a.certified { people = 2, codes = codes.SMB },
      a.customers { metric = "smb_new_customers", months = 12, at_least = 5 } },
    a.path { id = "seats", level = "silver",
      a.certified { people = 2, codes = codes.SMB },
      a.assessed { people = 1, codes = { "TA-SMB" } },
      a.seats { metric = "smb_deployed_seats", at_least = 200 } },
    a.path { id = "customers", level = "gold",
      a.certified { people = 4, codes = codes.SMB },
      a.customers { metric = "smb_new_customers", months = 12, at_least = 15 },
      a.seats { metric = "smb_deployed_seats", at_least = 500 } },
  },
}
