-- luacheck configuration: `luacheck stdlib policies examples/points tests/spec`
std = "lua54"
max_line_length = 120

-- Exactly what a policy state offers (see host sandbox), in the file that is also
-- installed for policy repositories: packaging/luacheck/policies.lua.
stds.attain_sandbox = require "packaging.luacheck.policies"

files["stdlib/"] = { std = "attain_sandbox" }
files["policies/"] = { std = "attain_sandbox" }
files["examples/points/"] = { std = "attain_sandbox" }
files["tests/spec/"] = { std = "+busted", max_line_length = 130 }
-- ---@meta stubs declare functions with empty bodies.
files["stdlib/meta/"] = { std = "attain_sandbox", ignore = { "212", "241" } }
