-- mas-health: FalconNodeSensor (Success)
-- The first case that holds decides: Success is True -> Healthy;
--   Failed: RequirementsNotMet -> Degraded; Failed, retried -> Progressing; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, success, failed_condition_requirements_not_met, failed_condition,
      pending_condition, success_message, failed_condition_requirements_not_met_message,
      failed_condition_message, pending_condition_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type = condition.type
      if not success and condition_type == "Success" and condition.status == "True" then success, success_message = condition, condition.message end
      if not failed_condition_requirements_not_met and condition_type == "Failed" and condition.reason == "RequirementsNotMet" then failed_condition_requirements_not_met, failed_condition_requirements_not_met_message = condition, condition.message end
      if not failed_condition and condition_type == "Failed" then failed_condition, failed_condition_message = condition, condition.message end
      if not pending_condition and condition_type == "Pending" then pending_condition, pending_condition_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if success then
  verdict, message = "Healthy", text(success_message) or "FalconNodeSensor installation completed"
elseif failed_condition_requirements_not_met then
  verdict, message = "Degraded", text(failed_condition_requirements_not_met_message) or "the install namespace does not meet the requirements"
elseif failed_condition then
  verdict, message = "Progressing", text(failed_condition_message) and "retrying: " .. failed_condition_message or "a step failed, retrying"
else
  verdict, message = "Progressing", text(pending_condition_message) or "waiting for the Falcon operator"
end
return {status = verdict, message = message}
