-- luacheck configuration: `luacheck stdlib policies examples tests/spec`
std = "lua54"
max_line_length = 120

-- Exactly what a policy state offers (see host sandbox): no io, os, debug,
-- load, coroutine, print, collectgarbage; math without random; require
-- that loads only stdlib modules.
stds.attain_sandbox = {
  read_globals = {
    "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber", "tostring",
    "type", "xpcall", "getmetatable", "setmetatable", "rawequal", "rawlen", "rawget", "require",
    string = { fields = { "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match",
                          "pack", "packsize", "rep", "reverse", "sub", "unpack", "upper" } },
    table = { fields = { "concat", "insert", "move", "pack", "remove", "sort", "unpack" } },
    math = { fields = { "abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge",
                        "log", "max", "maxinteger", "min", "mininteger", "modf", "pi", "rad", "sin", "sqrt",
                        "tan", "tointeger", "type", "ult" } },
    utf8 = { fields = { "char", "charpattern", "codepoint", "codes", "len", "offset" } },
  },
}

files["stdlib/"] = { std = "attain_sandbox" }
files["policies/"] = { std = "attain_sandbox" }
files["examples/points/"] = { std = "attain_sandbox" }
files["examples/modern-workplace/"] = { std = "attain_sandbox" }
files["tests/spec/"] = { std = "+busted", max_line_length = 130 }
-- ---@meta stubs declare functions with empty bodies.
files["stdlib/meta/"] = { std = "attain_sandbox", ignore = { "212", "241" } }
