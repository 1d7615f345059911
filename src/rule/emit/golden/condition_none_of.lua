-- mas-health: condition reason none of
-- The first case that holds decides: hit -> Degraded; otherwise Healthy.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, ready_not_true_not_pending_or_waiting, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_reason = condition.reason
      if not ready_not_true_not_pending_or_waiting and condition.type == "Ready" and condition.status ~= "True" and condition_reason ~= "Pending" and condition_reason ~= "Waiting" then ready_not_true_not_pending_or_waiting = condition end
    end
  end
end
if ready_not_true_not_pending_or_waiting then
  verdict, message = "Degraded", "hit"
else
  verdict, message = "Healthy", "ok"
end
return {status = verdict, message = message}
