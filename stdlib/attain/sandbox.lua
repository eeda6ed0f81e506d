--- attain.sandbox: how the stdlib calls a policy's functions.
--
-- The host evaluates with the instruction budget off while the stdlib's own
-- code runs (its work is bounded by the competency's plan and the facts),
-- and on while a policy function runs: the stdlib calls custom measures,
-- details and renewal rules through `call`. Inside the host this module is
-- the sandbox's own, written in C (docs/sandbox.md); this file is what plain
-- Lua gets (stdlib unit tests, editors), where there is no budget and `call`
-- is an ordinary call. Policies have no use for it.
local M = {}

--- Calls `f(...)` under the instruction budget of the running evaluation.
---@param f function
---@return any ...
function M.call(f, ...)
  return f(...)
end

--- Like `call`, and catches an ordinary error of `f`: returns false and the
--- message ("file:line: message"), or true and f's results. A spent budget
--- is never caught.
---@param f function
---@return boolean ok
---@return any ...
function M.pcall(f, ...)
  return pcall(f, ...)
end

--- "file:line: " of the innermost line of policy code running, skipping the
--- stdlib's own frames (or "" when there is none). In the host the sandbox
--- answers, also for `return a.competency { ... }`, whose caller's frame a tail
--- call removes; here the frames are read through `error`'s positions.
---@return string
function M.where()
  for level = 3, 40 do
    local _, m = pcall(error, "", level)
    if type(m) == "string" and m ~= "" and m:sub(1, 7) ~= "stdlib/" and m:sub(1, 1) ~= "[" then
      return m
    end
  end
  return ""
end

return M
