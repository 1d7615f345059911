-- mas-health: MAS Ready family
-- The first case that holds decides: Failure is True -> Degraded;
--   Ready is True from an earlier operator version -> Progressing; Ready is True -> Healthy;
--   Ready is present but not True -> Progressing; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, versions, controller, reconciled, failure, ready, ready_condition,
      failure_message, ready_message, ready_condition_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions, versions = status.conditions, status.versions end
if type(versions) == "table" then controller, reconciled = versions.controller, versions.reconciled end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not failure and condition_type == "Failure" and condition_status == "True" then failure, failure_message = condition, condition.message end
      if not ready and condition_type == "Ready" and condition_status == "True" then ready, ready_message = condition, condition.message end
      if not ready_condition and condition_type == "Ready" then ready_condition, ready_condition_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if failure then
  verdict, message = "Degraded", text(failure_message) or "the operator reported a failed reconcile"
elseif reconciled ~= nil and controller ~= nil and type(reconciled) ~= "table" and type(controller) ~= "table" and reconciled ~= controller and ready then
  verdict, message = "Progressing", "reconciling " .. (text(controller) or "a new operator version") .. ", last reconciled " .. (text(reconciled) or "an earlier version")
elseif ready then
  verdict, message = "Healthy", text(ready_message) or "Ready"
elseif ready_condition then
  verdict, message = "Progressing", text(ready_condition_message) and "waiting for Ready: " .. ready_condition_message or "waiting for Ready"
else
  verdict, message = "Progressing", "waiting for the operator to report Ready"
end
return {status = verdict, message = message}
