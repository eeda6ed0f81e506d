-- Datacenter: Windows Server, hybrid infrastructure and virtual desktops. Skills-based
-- only: the program set no performance goal for it.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "datacenter",
  name = "Datacenter",
  benefits = {
    silver = { "Windows Server licences for internal use" },
    gold = { "Windows Server licences for internal use", "Hybrid infrastructure assessment vouchers" },
  },
  paths = {
    a.path { id = "skills", level = "silver",
      a.certified { people = 2, codes = codes.DATACENTER },
      a.assessed { people = 1, codes = { "TA-DATACENTER" } } },
    a.path { id = "skills", level = "gold",
      a.certified { people = 4, codes = codes.DATACENTER },
      a.any { label = "a Windows Server hybrid administrator (AZ-800 or AZ-801)",
        a.certified { people = 1, codes = { "AZ-800" } },
        a.certified { people = 1, codes = { "AZ-801" } } },
      a.assessed { people = 2, codes = { "TA-DATACENTER" } } },
  },
}
