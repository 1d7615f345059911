-- mas-health: messages
-- The first case that holds decides: bound condition -> Degraded;
--   field with prefix and text around -> Progressing; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, phase, version, failed_condition_not_retrying, ready,
      failed_condition_not_retrying_message, ready_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions, phase, version = status.conditions, status.phase, status.version end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type = condition.type
      if not failed_condition_not_retrying and condition_type == "Failed" and condition.reason ~= "Retrying" then failed_condition_not_retrying, failed_condition_not_retrying_message = condition, condition.message end
      if not ready and condition_type == "Ready" and condition.status == "True" then ready, ready_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if failed_condition_not_retrying then
  verdict, message = "Degraded", text(failed_condition_not_retrying_message) and "failed: " .. failed_condition_not_retrying_message or "failed"
elseif phase ~= nil then
  verdict, message = "Progressing", "phase" .. (text(phase) and " " .. phase or "") .. ", version " .. (text(version) or "unknown")
else
  verdict, message = "Progressing", (text(ready_message) or "not ready") .. "; " .. (text(ready_message) or "")
end
return {status = verdict, message = message}
