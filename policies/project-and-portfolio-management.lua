-- Project and Portfolio Management: Project Online, Project for the web and Project
-- Operations. Performance is deployed Project seats; a skills-only path is open at silver.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "project-and-portfolio-management",
  name = "Project and Portfolio Management",
  benefits = {
    silver = { "Project licences for internal use" },
    gold = { "Project licences for internal use", "Priority listing in the partner directory" },
  },
  paths = {
    a.path { id = "seats", level = "silver",
      a.certified { people = 2, codes = codes.PROJECT },
      a.seats { metric = "project_deployed_seats", at_least = 150 } },
    a.path { id = "skills", level = "silver",
      a.certified { people = 2, codes = codes.PROJECT },
      a.assessed { people = 2, codes = { "TA-PROJECT" } } },
    a.path { id = "seats", level = "gold",
      a.certified { people = 4, codes = codes.PROJECT },
      a.seats { metric = "project_deployed_seats", at_least = 600 } },
  },
}
