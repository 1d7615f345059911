-- mas-health: several selectors
-- The first case that holds decides: failed -> Degraded; ready -> Healthy; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, failed_condition_not_retrying, ready, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type = condition.type
      if not failed_condition_not_retrying and condition_type == "Failed" and condition.reason ~= "Retrying" then failed_condition_not_retrying = condition end
      if not ready and condition_type == "Ready" and condition.status == "True" then ready = condition end
    end
  end
end
if failed_condition_not_retrying then
  verdict, message = "Degraded", "failed"
elseif ready then
  verdict, message = "Healthy", "ready"
else
  verdict, message = "Progressing", "waiting"
end
return {status = verdict, message = message}
