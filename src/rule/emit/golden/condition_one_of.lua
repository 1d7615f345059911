-- mas-health: condition type one of
-- The first case that holds decides: hit -> Degraded; otherwise Healthy.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, failed_or_error_true_or_unknown, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not failed_or_error_true_or_unknown and (condition_type == "Failed" or condition_type == "Error") and (condition_status == "True" or condition_status == "Unknown") then failed_or_error_true_or_unknown = condition end
    end
  end
end
if failed_or_error_true_or_unknown then
  verdict, message = "Degraded", "hit"
else
  verdict, message = "Healthy", "ok"
end
return {status = verdict, message = message}
