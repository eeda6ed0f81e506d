-- Messaging: Exchange Online and Exchange Server, mail migration and hygiene. Performance is
-- Exchange active usage; a skills-only path is open at silver.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "messaging",
  name = "Messaging",
  benefits = {
    silver = { "Exchange Online licences for internal use" },
    gold = { "Exchange Online licences for internal use", "Migration planning vouchers" },
  },
  paths = {
    a.path { id = "usage", level = "silver",
      a.certified { people = 2, codes = codes.MESSAGING },
      a.usage { metric = "exchange_active_usage", months = 3, at_least = 150 } },
    a.path { id = "skills", level = "silver",
      a.certified { people = 2, codes = codes.MESSAGING },
      a.assessed { people = 2, codes = { "TA-MESSAGING" } } },
    a.path { id = "usage", level = "gold",
      a.certified { people = 4, codes = codes.MESSAGING },
      a.certified { people = 1, codes = { "MS-203" } },
      a.usage { metric = "exchange_active_usage", months = 3, at_least = 500 } },
  },
}
