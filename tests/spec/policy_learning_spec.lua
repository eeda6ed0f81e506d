-- policies/learning.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

scenarios.policy {
  id = "learning",
  paths = {
    { "silver", "delivery",
      "2 certified people (MCT)", "new customers learning_new_customers over 12 months ≥ 5" },
    { "silver", "skills", "2 certified people (MCT)", "2 people with a passed assessment (TA-LEARNING)" },
    { "gold", "delivery",
      "4 certified people (MCT)", "new customers learning_new_customers over 12 months ≥ 20" },
  },
  counts = { "silver", "delivery" },
}
