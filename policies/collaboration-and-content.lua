-- Collaboration and Content: SharePoint, OneDrive and Teams as the place where documents
-- live, with their information protection. Performance is SharePoint active usage; a
-- skills-only path is open at silver.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "collaboration-and-content",
  name = "Collaboration and Content",
  benefits = {
    silver = { "Microsoft 365 licences for internal use", "Listing in the partner directory" },
    gold = { "Microsoft 365 licences for internal use", "Priority listing in the partner directory",
             "Co-marketing funds" },
  },
  paths = {
    a.path { id = "usage", level = "silver",
      a.certified { people = 2, codes = codes.CONTENT },
      a.usage { metric = "sharepoint_active_usage", months = 3, at_least = 150 } },
    a.path { id = "skills", level = "silver",
      a.certified { people = 3, codes = codes.CONTENT },
      a.assessed { people = 2, codes = { "TA-CONTENT" } } },
    a.path { id = "usage", level = "gold",
      a.certified { people = 4, codes = codes.CONTENT },
      a.certified { people = 1, codes = { "SC-400" } },
      a.usage { metric = "sharepoint_active_usage", months = 3, at_least = 500 } },
  },
}
