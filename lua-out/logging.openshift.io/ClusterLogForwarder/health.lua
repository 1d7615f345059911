-- mas-health: ClusterLogForwarder 5.x (Ready)
-- The first case that holds decides: Ready is True -> Healthy; Ready is False: Invalid -> Degraded;
--   Ready is False: ValidationFailure -> Degraded; Ready is False, retried -> Progressing;
--   Ready is present but not True -> Progressing; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, ready, ready_false_invalid, ready_false_validation_failure, ready_false,
      ready_condition, validation, ready_message, ready_false_invalid_message, ready_false_message,
      ready_condition_message, validation_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status, condition_reason = condition.type, condition.status, condition.reason
      if not ready and condition_type == "Ready" and condition_status == "True" then ready, ready_message = condition, condition.message end
      if not ready_false_invalid and condition_type == "Ready" and condition_status == "False" and condition_reason == "Invalid" then ready_false_invalid, ready_false_invalid_message = condition, condition.message end
      if not ready_false_validation_failure and condition_type == "Ready" and condition_status == "False" and condition_reason == "ValidationFailure" then ready_false_validation_failure = condition end
      if not ready_false and condition_type == "Ready" and condition_status == "False" then ready_false, ready_false_message = condition, condition.message end
      if not ready_condition and condition_type == "Ready" then ready_condition, ready_condition_message = condition, condition.message end
      if not validation and condition_type == "Validation" and condition_status == "True" then validation, validation_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if ready then
  verdict, message = "Healthy", text(ready_message) or "the forwarder is ready"
elseif ready_false_invalid then
  verdict, message = "Degraded", text(ready_false_invalid_message) and "invalid forwarder: " .. ready_false_invalid_message or "invalid forwarder"
elseif ready_false_validation_failure then
  verdict, message = "Degraded", text(validation_message) and "validation failed: " .. validation_message or "the forwarder failed validation"
elseif ready_false then
  verdict, message = "Progressing", text(ready_false_message) and "not ready: " .. ready_false_message or "not ready"
elseif ready_condition then
  verdict, message = "Progressing", text(ready_condition_message) and "waiting for Ready: " .. ready_condition_message or "waiting for Ready"
else
  verdict, message = "Progressing", "waiting for the logging operator to report Ready"
end
return {status = verdict, message = message}
