-- The luacheck standard for attain policies: exactly the globals a policy state offers
-- (docs/sandbox.md) — no io, os, debug, load, coroutine, print, collectgarbage; math
-- without random; a require that loads only stdlib modules. Assigning any global is an
-- error (a policy has none of its own).
--
-- One file for both: this repository's .luacheckrc loads it (`require` from the config's
-- directory), and `cmake --install` puts it at PREFIX/share/attain/luacheck/policies.lua
-- for policy repositories, whose .luacheckrc says (PREFIX/share/attain/luacheck/
-- luacheckrc.example, docs/packaging.md):
--
--   stds.attain_policies = dofile "/usr/local/share/attain/luacheck/policies.lua"
--   files["policies/"] = { std = "attain_policies" }
--
-- luacheck runs config files under its own Lua (5.1 on Debian): keep this a plain table.
return {
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
