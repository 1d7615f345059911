-- mas-health: Db2u state
-- The first case that holds decides: status.state reports a failure -> Degraded;
--   status.state reports ready -> Healthy; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, state, condition_not_ok_or_true, condition_not_ok_or_true_message, verdict,
      message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions, state = status.conditions, status.state end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_status = condition.status
      if not condition_not_ok_or_true and condition_status ~= "OK" and condition_status ~= "True" then condition_not_ok_or_true, condition_not_ok_or_true_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if state == "Error" or state == "LicenseError" then
  verdict, message = "Degraded", (text(state) and "state " .. state or "failed") .. (text(condition_not_ok_or_true_message) and ": " .. condition_not_ok_or_true_message or "")
elseif state == "Ready" then
  verdict, message = "Healthy", text(state) and "state " .. state or "ready"
else
  verdict, message = "Progressing", text(state) and "state " .. state or "waiting for status.state"
end
return {status = verdict, message = message}
