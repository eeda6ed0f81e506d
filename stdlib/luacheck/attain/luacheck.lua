-- The luacheck standard of attain policies and lib/ modules: exactly the globals the
-- policy sandbox provides (host/sandbox.c, sandbox_globals). Do not edit:
-- tests/test_policy_lint.c checks this file against the sandbox, and
-- `build/test/tests/test_policy_lint --luacheck-std` prints it anew.
--
-- Installed as PREFIX/share/attain/luacheck/policies.lua; a policy repository's
-- .luacheckrc (luacheck runs it under its own Lua: this stays a plain table):
--   stds.attain = dofile "/usr/local/share/attain/luacheck/policies.lua"
--   files["policies/"] = { std = "attain" }
return {
  read_globals = {
    "assert",
    "error",
    "getmetatable",
    "ipairs",
    "next",
    "pairs",
    "pcall",
    "rawequal",
    "rawget",
    "rawlen",
    "require",
    "select",
    "setmetatable",
    "tonumber",
    "tostring",
    "type",
    "xpcall",
    math = { fields = {
      "abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp",
      "floor", "fmod", "huge", "log", "max", "maxinteger", "min", "mininteger",
      "modf", "pi", "rad", "sin", "sqrt", "tan", "tointeger", "type",
      "ult",
    } },
    string = { fields = {
      "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower",
      "match", "pack", "packsize", "rep", "reverse", "sub", "unpack", "upper",
    } },
    table = { fields = {
      "concat", "insert", "move", "pack", "remove", "sort", "unpack",
    } },
    utf8 = { fields = {
      "char", "charpattern", "codepoint", "codes", "len", "offset",
    } },
  },
}
