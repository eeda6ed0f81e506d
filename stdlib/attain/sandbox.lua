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

return M
