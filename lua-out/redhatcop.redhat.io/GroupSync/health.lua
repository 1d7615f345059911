-- mas-health: GroupSync (ReconcileSuccess)
-- The first case that holds decides: ReconcileSuccess is True -> Healthy;
--   ReconcileError is True, never synchronized -> Progressing; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, reconcile_success, reconcile_error, reconcile_error_message, verdict,
      message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not reconcile_success and condition_type == "ReconcileSuccess" and condition_status == "True" then reconcile_success = condition end
      if not reconcile_error and condition_type == "ReconcileError" and condition_status == "True" then reconcile_error, reconcile_error_message = condition, condition.message end
    end
  end
end
if reconcile_success then
  verdict, message = "Healthy", "groups synchronized" .. (type(reconcile_error_message) == "string" and reconcile_error_message ~= "" and "; a sync also failed: " .. reconcile_error_message or "")
elseif reconcile_error then
  verdict, message = "Progressing", type(reconcile_error_message) == "string" and reconcile_error_message ~= "" and "sync failing, retried: " .. reconcile_error_message or "sync failing, retried"
else
  verdict, message = "Progressing", "waiting for the first group sync"
end
return {status = verdict, message = message}
