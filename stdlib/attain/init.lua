--- attain: the policy author's standard library (`require "attain"`).
--
-- A policy file returns one competency:
--
--     local a = require "attain"
--     return a.competency {
--       id = "cloud-platform", name = "Cloud Platform",
--       paths = {
--         a.path { id = "consumption", level = "silver",
--           a.certified { people = 2, codes = { "AZ-104", "AZ-204" } },
--           a.revenue { metric = "azure_consumed_revenue", months = 12, at_least = 15000 } },
--       },
--     }
--
-- This module gathers the public API from attain.goals, attain.competency,
-- attain.renewal and attain.time. The host calls `evaluate`, `explain`,
-- `is_competency`, `membership_end`, `metric_months` and `native_plan` from here (see
-- docs/policies.md).
local goals = require "attain.goals"
local competency = require "attain.competency"

---@class attain
local M = {}

M.VERSION = "1"

-- Structure
M.competency = competency.competency
M.path = competency.path

-- Goals (R3)
M.certified = goals.certified
M.assessed = goals.assessed
M.performance = goals.performance
M.revenue = goals.revenue
M.usage = goals.usage
M.seats = goals.seats
M.customers = goals.customers
M.all = goals.all
M.any = goals.any
M.goal = goals.goal

-- Evaluation (called by the host)
M.evaluate = competency.evaluate
M.level = competency.level
M.explain = competency.explain
M.membership_end = competency.membership_end
M.metric_months = competency.metric_months
M.native_plan = competency.native_plan

-- Debugging: values shown in a spec's result and `attain status`, never in sweeps
M.trace = competency.trace

-- Predicates
M.is_competency = competency.is_competency
M.is_path = competency.is_path
M.is_goal = goals.is_goal

-- Helpers
M.renewal = require "attain.renewal"
M.time = require "attain.time"

return M
