-- mas-health: CP4D service (spssmodelerStatus)
-- The first case that holds decides: Failure is True -> Degraded;
--   spssmodelerStatus Failed -> Degraded; spssmodelerStatus InProgress -> Progressing;
--   spssmodelerStatus Completed -> Healthy; Successful is True -> Healthy;
--   Successful reset by a new reconcile after a success -> Healthy;
--   Successful is present but not True -> Progressing; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, spssmodeler_status, failure, successful, successful_false_successful,
      successful_condition, failure_message, successful_message, successful_false_successful_message,
      successful_condition_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions, spssmodeler_status = status.conditions, status.spssmodelerStatus end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not failure and condition_type == "Failure" and condition_status == "True" then failure, failure_message = condition, condition.message end
      if not successful and condition_type == "Successful" and condition_status == "True" then successful, successful_message = condition, condition.message end
      if not successful_false_successful and condition_type == "Successful" and condition_status == "False" and condition.reason == "Successful" then successful_false_successful, successful_false_successful_message = condition, condition.message end
      if not successful_condition and condition_type == "Successful" then successful_condition, successful_condition_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if failure then
  verdict, message = "Degraded", text(failure_message) or "the operator reported a failed reconcile"
elseif spssmodeler_status == "Failed" then
  verdict, message = "Degraded", "spssmodelerStatus Failed"
elseif spssmodeler_status == "InProgress" then
  verdict, message = "Progressing", "spssmodelerStatus InProgress"
elseif spssmodeler_status == "Completed" then
  verdict, message = "Healthy", "spssmodelerStatus Completed"
elseif successful then
  verdict, message = "Healthy", text(successful_message) or "Successful"
elseif successful_false_successful then
  verdict, message = "Healthy", text(successful_false_successful_message) or "Last reconciliation succeeded"
elseif successful_condition then
  verdict, message = "Progressing", text(successful_condition_message) and "waiting for Successful: " .. successful_condition_message or "waiting for Successful"
else
  verdict, message = "Progressing", text(spssmodeler_status) and "state " .. spssmodeler_status or "waiting for status.spssmodelerStatus"
end
return {status = verdict, message = message}
