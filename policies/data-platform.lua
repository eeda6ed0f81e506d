-- Data Platform: databases on Azure and on premises (Azure SQL, SQL Server, Cosmos DB).
-- Performance is Azure data services revenue; a skills-only path is open at silver.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "data-platform",
  name = "Data Platform",
  benefits = {
    silver = { "SQL Server and Azure SQL licences for internal use" },
    gold = { "SQL Server and Azure SQL licences for internal use", "Migration assessment vouchers",
             "Priority listing in the partner directory" },
  },
  paths = {
    a.path { id = "revenue", level = "silver",
      a.certified { people = 2, codes = codes.DATA_PLATFORM },
      a.revenue { metric = "azure_data_revenue", months = 12, at_least = 10000 } },
    a.path { id = "skills", level = "silver",
      a.certified { people = 2, codes = codes.DATA_PLATFORM },
      a.assessed { people = 2, codes = { "TA-DATA-PLATFORM" } } },
    a.path { id = "revenue", level = "gold",
      a.certified { people = 4, codes = codes.DATA_PLATFORM },
      a.certified { people = 1, codes = { "DP-300" } },
      a.revenue { metric = "azure_data_revenue", months = 12, at_least = 50000 } },
  },
}
