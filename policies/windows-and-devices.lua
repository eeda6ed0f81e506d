-- Windows and Devices: Windows deployment and management, Surface and Windows 365. Performance
-- is deployed Windows seats; a skills-only path is open at silver.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "windows-and-devices",
  name = "Windows and Devices",
  benefits = {
    silver = { "Windows licences for internal use" },
    gold = { "Windows licences for internal use", "Surface devices for demonstrations" },
  },
  paths = {
    a.path { id = "seats", level = "silver",
      a.certified { people = 2, codes = codes.DEVICES },
      a.seats { metric = "windows_deployed_seats", at_least = 200 } },
    a.path { id = "skills", level = "silver",
      a.certified { people = 2, codes = codes.DEVICES },
      a.assessed { people = 2, codes = { "TA-DEVICES" } } },
    a.path { id = "seats", level = "gold",
      a.certified { people = 4, codes = codes.DEVICES },
      a.certified { people = 1, codes = { "MD-102" } },
      a.seats { metric = "windows_deployed_seats", at_least = 800 } },
  },
}
