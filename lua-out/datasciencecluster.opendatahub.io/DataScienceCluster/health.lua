-- mas-health: DataScienceCluster (Ready, else Available)
-- The first case that holds decides: Degraded is True -> Degraded;
--   reconciled with component errors -> Degraded; Ready is True -> Healthy;
--   Ready is present but not True -> Progressing;
--   Available is True and no Ready is reported -> Healthy;
--   Available is present but not True -> Progressing; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, degraded, available_reconcile_completed_with, ready, ready_condition,
      available, available_condition, condition_false_reconcile_failed, degraded_message,
      ready_message, ready_condition_message, available_message, available_condition_message,
      condition_false_reconcile_failed_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status, condition_reason = condition.type, condition.status, condition.reason
      if not degraded and condition_type == "Degraded" and condition_status == "True" then degraded, degraded_message = condition, condition.message end
      if not available_reconcile_completed_with and condition_type == "Available" and condition_status == "True" and condition_reason == "ReconcileCompletedWithComponentErrors" then available_reconcile_completed_with = condition end
      if not ready and condition_type == "Ready" and condition_status == "True" then ready, ready_message = condition, condition.message end
      if not ready_condition and condition_type == "Ready" then ready_condition, ready_condition_message = condition, condition.message end
      if not available and condition_type == "Available" and condition_status == "True" then available, available_message = condition, condition.message end
      if not available_condition and condition_type == "Available" then available_condition, available_condition_message = condition, condition.message end
      if not condition_false_reconcile_failed and condition_status == "False" and condition_reason == "ReconcileFailed" then condition_false_reconcile_failed, condition_false_reconcile_failed_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if degraded then
  verdict, message = "Degraded", text(degraded_message) or "the operator reports Degraded"
elseif available_reconcile_completed_with then
  verdict, message = "Degraded", text(condition_false_reconcile_failed_message) or "the operator reconciled with component errors"
elseif ready then
  verdict, message = "Healthy", text(ready_message) or "Ready"
elseif ready_condition then
  verdict, message = "Progressing", text(ready_condition_message) and "waiting for Ready: " .. ready_condition_message or "waiting for Ready"
elseif available then
  verdict, message = "Healthy", text(available_message) or "Available"
elseif available_condition then
  verdict, message = "Progressing", text(available_condition_message) and "waiting for Available: " .. available_condition_message or "waiting for Available"
else
  verdict, message = "Progressing", "waiting for Ready"
end
return {status = verdict, message = message}
