-- luacheck configuration: `luacheck stdlib policies examples tests/spec`
std = "lua54"
max_line_length = 120

-- Exactly what a policy state offers: the sandbox's one list of globals (host/sandbox.c),
-- as the luacheck standard that tests/test_policy_lint.c keeps equal to it. No io, os,
-- debug, load, coroutine, print, collectgarbage; math without random; require that loads
-- only the stdlib and the policy directory's lib/ modules.
stds.attain_sandbox = dofile("stdlib/luacheck/attain/luacheck.lua")

files["stdlib/"] = { std = "attain_sandbox" }
files["policies/"] = { std = "attain_sandbox" }
files["examples/points/"] = { std = "attain_sandbox" }
files["examples/modern-workplace/"] = { std = "attain_sandbox" }
files["tests/spec/"] = { std = "+busted", max_line_length = 130 }
-- Host-side Lua (the test modules, run by `attain test` and busted) and the standard itself.
files["stdlib/testing/"] = { std = "lua54" }
files["stdlib/luacheck/"] = { std = "lua54" }
-- ---@meta stubs declare functions with empty bodies.
files["stdlib/meta/"] = { std = "attain_sandbox", ignore = { "212", "241" } }
