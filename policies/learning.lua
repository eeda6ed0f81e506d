-- Learning: training partners delivering Microsoft courses. Skills are Microsoft Certified
-- Trainers (MCT); performance is new training customers.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "learning",
  name = "Learning",
  benefits = {
    silver = { "Courseware for internal use", "Listing in the training partner directory" },
    gold = { "Courseware for internal use", "Priority listing in the training partner directory",
             "Exam vouchers for students" },
  },
  paths = {
    a.path { id = "delivery", level = "silver",
      a.certified { people = 2, codes = codes.TRAINERS },
      a.customers { metric = "learning_new_customers", months = 12, at_least = 5 } },
    a.path { id = "skills", level = "silver",
      a.certified { people = 2, codes = codes.TRAINERS },
      a.assessed { people = 2, codes = { "TA-LEARNING" } } },
    a.path { id = "delivery", level = "gold",
      a.certified { people = 4, codes = codes.TRAINERS },
      a.customers { metric = "learning_new_customers", months = 12, at_least = 20 } },
  },
}
