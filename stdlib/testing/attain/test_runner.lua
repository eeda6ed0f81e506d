--- attain.test_runner: the Lua side of `attain test` (host/cmd_test.c runs `main`).
--
-- Finds the tests under each path (default "spec"): *_spec.lua files run by busted, and
-- *.cases.jsonl files of data-driven cases (attain.cases) run as busted tests too, so one
-- report counts both. Reports as text (failures with file:line, `--verbose` names every
-- test), or with busted's json, junit or TAP handlers on standard output; always closes
-- with "N passed, N failed, N skipped" (on standard error for the machine formats).
-- With coverage, attain.coverage watches every evaluation and reports what the tests
-- never saw. Host-side Lua: full standard library, never inside the sandbox.
local lfs = require "lfs"

local M = {}

local function mode(p)
  return lfs.attributes(p, "mode")
end

local function kind_of(name)
  if name:match("_spec%.lua$") then return "spec" end
  if name:match("%.cases%.jsonl$") then return "cases" end
  return nil
end

local function walk(dir, out)
  local names = {}
  for name in lfs.dir(dir) do
    if name:sub(1, 1) ~= "." then names[#names + 1] = name end
  end
  table.sort(names)
  for _, name in ipairs(names) do
    local p = dir == "." and name or dir .. "/" .. name
    local m = mode(p)
    if m == "directory" then
      walk(p, out)
    elseif m == "file" and kind_of(name) then
      out[#out + 1] = p
    end
  end
end

--- The test files under `paths` (files are taken as given), sorted per path, and the
--- paths that do not exist.
---@param paths string[]
---@return string[] files
---@return string[] missing
function M.files(paths)
  local files, missing = {}, {}
  for _, p in ipairs(paths) do
    local m = mode(p)
    if m == "directory" then
      walk((p:gsub("/+$", "")), files)
    elseif m == "file" then
      files[#files + 1] = p
    else
      missing[#missing + 1] = p
    end
  end
  return files, missing
end

local function plural(n, one, many)
  return string.format("%d %s", n, n == 1 and one or many)
end

-- "file:line: " of a failure's trace, unless the message already starts with it.
local function located(f)
  local msg = tostring(f.message or "")
  local t = f.trace
  if t and t.short_src and t.currentline and t.currentline > 0 then
    local pos = t.short_src .. ":" .. t.currentline .. ":"
    if msg:sub(1, #pos) ~= pos and not msg:match("^[^%s:]+:%d+:") then msg = pos .. " " .. msg end
  end
  return msg
end

-- The text report: each test as it ends with --verbose, every failure and error at the end.
local function text_output(busted, handler, o)
  if o.verbose then
    busted.subscribe({ "test", "end" }, function(element, _, status)
      local word = ({ success = "ok  ", pending = "skip", failure = "FAIL", error = "FAIL" })[status] or status
      io.stdout:write(word, " ", handler.getFullName(element), "\n")
      return nil, true
    end)
  end
  busted.subscribe({ "suite", "end" }, function()
    for _, list in ipairs { handler.failures, handler.errors } do
      for _, f in ipairs(list) do
        io.stdout:write("\nFAIL ", f.name or "?", "\n")
        local msg = located(f):gsub("\n", "\n  ")
        io.stdout:write("  ", msg, "\n")
      end
    end
    return nil, true
  end)
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    local named = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }
    return named[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

local function json_value(v)
  local t = type(v)
  if t == "string" then return json_string(v) end
  if t == "number" then return math.type(v) == "integer" and tostring(v) or string.format("%.17g", v) end
  if t == "boolean" then return tostring(v) end
  if t == "table" and v[1] ~= nil then
    local items = {}
    for i, x in ipairs(v) do items[i] = json_value(x) end
    return "[" .. table.concat(items, ",") .. "]"
  end
  if t == "table" then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys)
    local items = {}
    for _, k in ipairs(keys) do items[#items + 1] = json_string(k) .. ":" .. json_value(v[k]) end
    return "{" .. table.concat(items, ",") .. "}"
  end
  return "null"
end

-- The JSON report: one object on standard output,
-- {"tests":[{"name","status","file","line","message"}...],"passed","failed","skipped"}, with
-- tests in the order they ran and "error" entries for what failed outside a test.
local function json_output(busted, handler, result)
  local messages = {}
  local function keep(element, _, message, trace)
    messages[element] = { message = tostring(message), trace = trace }
    return nil, true
  end
  busted.subscribe({ "failure", "it" }, keep)
  busted.subscribe({ "error", "it" }, keep)
  busted.subscribe({ "error" }, function(element, _, message, trace)
    if element.descriptor ~= "it" then
      result.tests[#result.tests + 1] = { name = element.name or element.descriptor, status = "error",
        file = trace and trace.short_src, line = trace and trace.currentline, message = tostring(message) }
    end
    return nil, true
  end)
  busted.subscribe({ "test", "end" }, function(element, _, status)
    local m = messages[element] or {}
    local trace = m.trace or element.trace or {}
    result.tests[#result.tests + 1] = {
      name = handler.getFullName(element),
      status = ({ success = "passed", pending = "skipped", failure = "failed" })[status] or status,
      file = trace.short_src, line = trace.currentline, message = m.message }
    return nil, true
  end)
end

--- Runs the tests. o: paths, policies, output ("text", "json", "junit", "tap"),
--- verbose, filter, coverage, fail_under. Returns the exit code.
---@param o table
---@return integer
function M.main(o)
  local paths = o.paths
  if not paths or #paths == 0 then paths = { "spec" } end
  local files, missing = M.files(paths)
  local report = o.output == "text" and io.stdout or io.stderr
  for _, p in ipairs(missing) do io.stderr:write("attain test: ", p, ": no such file or directory\n") end

  local fixture = require "attain.fixture"
  fixture.POLICIES = o.policies or "policies"
  local coverage
  if o.coverage then
    coverage = require("attain.coverage").start(fixture.POLICIES)
  end

  local busted = require("busted.core")()
  require("busted")(busted)
  package.loaded["busted.modules.files.attain_cases"] = require("attain.cases").loader(fixture.POLICIES)

  local handler = require("busted.outputHandlers.base")()
  handler:subscribe({ language = "en", suppressPending = false })
  local result = { tests = {} }
  if o.output == "text" then
    text_output(busted, handler, o)
  elseif o.output == "json" then
    json_output(busted, handler, result)
  else
    local load = require("busted.modules.output_handler_loader")()
    load(busted, o.output == "tap" and "TAP" or o.output,
         { defaultOutput = "plainTerminal", arguments = {}, language = "en", verbose = o.verbose })
  end
  busted.subscribe({ "error" }, function() return nil, true end)

  require("busted.modules.filter_loader")()(busted, {
    tags = {}, excludeTags = {}, filter = { o.filter }, filterOut = {}, list = false,
    nokeepgoing = false, suppressPending = false,
  })

  local specs = {}
  for _, f in ipairs(files) do specs[#specs + 1] = f end
  if #specs > 0 then
    local loader = require("busted.modules.test_file_loader")(busted, { "lua", "attain_cases" })
    loader(specs, {}, { excludes = {}, verbose = o.verbose, recursive = true })
    require("busted.execute")(busted)(1, { sort = false, shuffle = false })
  end
  busted.publish({ "exit" })
  if o.output == "junit" or o.output == "tap" then -- what they may not show (a spec that does not load)
    for _, f in ipairs(handler.errors) do
      if not (f.element and f.element.descriptor == "it") then
        io.stderr:write("attain test: ", located(f), "\n")
      end
    end
  end

  local passed, failed, skipped = handler.successesCount, handler.failuresCount + handler.errorsCount,
                                  handler.pendingsCount
  local code = 0
  if coverage then
    local ok, summary = coverage:report(report, tonumber(o.fail_under))
    result.coverage = summary
    if not ok then code = 1 end
  end
  if o.output == "json" then
    result.passed, result.failed, result.skipped = passed, failed, skipped
    io.stdout:write(json_value(result), "\n")
  end
  if failed > 0 or passed + failed == 0 or #missing > 0 then code = 1 end
  if passed + failed + skipped == 0 then
    io.stderr:write("attain test: no tests found in ", table.concat(paths, ", "),
                    " (files named *_spec.lua or *.cases.jsonl)\n")
  end
  report:write(string.format("%s, %s, %s\n", plural(passed, "passed", "passed"),
                             plural(failed, "failed", "failed"), plural(skipped, "skipped", "skipped")))
  report:flush()
  io.stdout:flush()
  return code
end

return M
