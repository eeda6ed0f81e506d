-- Communications: Teams meetings, calling and Teams Phone. Performance is Teams active
-- usage or Teams Phone seats.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "communications",
  name = "Communications",
  benefits = {
    silver = { "Teams Phone licences for internal use" },
    gold = { "Teams Phone licences for internal use", "Teams Rooms devices for demonstrations",
             "Co-marketing funds" },
  },
  paths = {
    a.path { id = "usage", level = "silver",
      a.certified { people = 2, codes = codes.COMMUNICATIONS },
      a.usage { metric = "teams_active_usage", months = 3, at_least = 150 } },
    a.path { id = "seats", level = "silver",
      a.certified { people = 2, codes = codes.COMMUNICATIONS },
      a.seats { metric = "teams_phone_seats", at_least = 150 } },
    a.path { id = "usage", level = "gold",
      a.certified { people = 4, codes = codes.COMMUNICATIONS },
      a.certified { people = 1, codes = { "MS-721" } },
      a.usage { metric = "teams_active_usage", months = 3, at_least = 500 } },
    a.path { id = "seats", level = "gold",
      a.certified { people = 4, codes = codes.COMMUNICATIONS },
      a.assessed { people = 1, codes = { "TA-COMMS" } },
      a.seats { metric = "teams_phone_seats", at_least = 600 } },
  },
}
