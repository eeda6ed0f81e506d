--- attain.time: calendar arithmetic on UTC epoch seconds, in pure Lua.
--
-- No `os`: dates are converted with Howard Hinnant's days-from-civil
-- algorithms (proleptic Gregorian calendar, integer arithmetic only).
-- A "month index" is `year * 12 + (month - 1)`; a "period" is "YYYY-MM".
-- Parsing uses `string.byte` only (no pattern functions).
local M = {}

local format, byte, sub = string.format, string.byte, string.sub
local type, error, tointeger = type, error, math.tointeger

---@alias attain.Time integer seconds since 1970-01-01T00:00:00Z

M.DAY = 86400

--- Days since 1970-01-01 of the civil date y-m-d (m 1..12, d 1..31).
--- Days past the end of a month roll over (2027-02-29 is 2027-03-01).
---@param y integer
---@param m integer
---@param d integer
---@return integer
function M.days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

--- Civil date of a day number (days since 1970-01-01).
---@param z integer
---@return integer y
---@return integer m
---@return integer d
function M.civil_from_days(z)
  z = z + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return y, m, d
end

local function int(t, fname)
  local i = type(t) == "number" and tointeger(t) or nil
  if not i then
    error(format("%s: expected a time in integer seconds, got %s", fname,
      type(t) == "number" and format("%.14g", t) or type(t)), 3)
  end
  return i
end

--- Epoch seconds of a UTC civil date and time.
---@param y integer
---@param m integer
---@param d integer
---@param hh? integer
---@param mi? integer
---@param ss? integer
---@return attain.Time
function M.from_civil(y, m, d, hh, mi, ss)
  return M.days_from_civil(y, m, d) * 86400 + (hh or 0) * 3600 + (mi or 0) * 60 + (ss or 0)
end

--- UTC civil date and time of an epoch time.
---@param t attain.Time
---@return integer y, integer m, integer d, integer hh, integer mi, integer ss
function M.civil(t)
  t = int(t, "time.civil")
  local days, secs = t // 86400, t % 86400
  local y, m, d = M.civil_from_days(days)
  return y, m, d, secs // 3600, secs % 3600 // 60, secs % 60
end

local function is_leap(y)
  return y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)
end

--- Number of days in month m of year y.
---@param y integer
---@param m integer
---@return integer
function M.days_in_month(y, m)
  if m == 2 then return is_leap(y) and 29 or 28 end
  if m == 4 or m == 6 or m == 9 or m == 11 then return 30 end
  return 31
end

-- Reads `n` decimal digits of `s` starting at `i`; nil if any is not a digit.
local function digits(s, i, n)
  local v = 0
  for j = i, i + n - 1 do
    local c = byte(s, j)
    if not c or c < 48 or c > 57 then return nil end
    v = v * 10 + (c - 48)
  end
  return v
end

--- Parses "YYYY-MM-DD" (00:00 UTC) or "YYYY-MM-DDTHH:MM:SSZ".
--- Returns nil and a message for anything else (expected failure).
---@param s string
---@return attain.Time? t
---@return string? err
function M.parse(s)
  if type(s) ~= "string" then return nil, "time must be a string" end
  local n = #s
  local bad = format("invalid time '%s' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", s)
  if n ~= 10 and n ~= 20 then return nil, bad end
  local y, m, d = digits(s, 1, 4), digits(s, 6, 2), digits(s, 9, 2)
  if not (y and m and d and byte(s, 5) == 45 and byte(s, 8) == 45) then return nil, bad end
  local hh, mi, ss = 0, 0, 0
  if n == 20 then
    hh, mi, ss = digits(s, 12, 2), digits(s, 15, 2), digits(s, 18, 2)
    if not (hh and mi and ss and sub(s, 11, 11) == "T" and byte(s, 14) == 58
            and byte(s, 17) == 58 and sub(s, 20, 20) == "Z") then
      return nil, bad
    end
    if hh > 23 or mi > 59 or ss > 59 then return nil, format("invalid time of day in '%s'", s) end
  end
  if m < 1 or m > 12 or d < 1 or d > M.days_in_month(y, m) then
    return nil, format("invalid date '%s'", s)
  end
  return M.from_civil(y, m, d, hh, mi, ss)
end

--- "YYYY-MM-DD" of an epoch time (UTC).
---@param t attain.Time
---@return string
function M.format_date(t)
  local y, m, d = M.civil(int(t, "time.format_date"))
  return format("%04d-%02d-%02d", y, m, d)
end

--- "YYYY-MM-DDTHH:MM:SSZ" of an epoch time (UTC).
---@param t attain.Time
---@return string
function M.format(t)
  local y, m, d, hh, mi, ss = M.civil(int(t, "time.format"))
  return format("%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, hh, mi, ss)
end

--- Exclusive end of the calendar year containing t: Jan 1 00:00 UTC of the next year.
---@param t attain.Time
---@return attain.Time
function M.year_end(t)
  local y = M.civil(int(t, "time.year_end"))
  return M.from_civil(y + 1, 1, 1)
end

--- Month index (`year * 12 + month - 1`) of the month containing t.
---@param t attain.Time
---@return integer
function M.month_index(t)
  local y, m = M.civil(int(t, "time.month_index"))
  return y * 12 + m - 1
end

--- "YYYY-MM" of a month index.
---@param i integer
---@return string
function M.period_of_index(i)
  return format("%04d-%02d", i // 12, i % 12 + 1)
end

--- "YYYY-MM" of the month containing t.
---@param t attain.Time
---@return string
function M.period(t)
  return M.period_of_index(M.month_index(int(t, "time.period")))
end

--- Epoch time of 00:00 UTC on the first day of a month index.
---@param i integer
---@return attain.Time
function M.month_start(i)
  return M.from_civil(i // 12, i % 12 + 1, 1)
end

--- The periods ("YYYY-MM") of the `months` calendar months ending with the
--- month of t, oldest first: the window `org:metric_sum(metric, months)` covers.
---@param t attain.Time
---@param months integer
---@return string[]
function M.window(t, months)
  local last = M.month_index(int(t, "time.window"))
  local out = {}
  for k = 1, months do
    out[k] = M.period_of_index(last - months + k)
  end
  return out
end

return M
