-- mas-health: ManageBuild
-- The first case that holds decides: Failure is True -> Degraded;
--   Buildready is True from an earlier operator version -> Progressing;
--   Buildready is True -> Healthy; Buildready is present but not True -> Progressing;
--   otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, versions, controller, reconciled, failure, buildready,
      buildready_condition, failure_message, buildready_message, buildready_condition_message,
      verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions, versions = status.conditions, status.versions end
if type(versions) == "table" then controller, reconciled = versions.controller, versions.reconciled end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not failure and condition_type == "Failure" and condition_status == "True" then failure, failure_message = condition, condition.message end
      if not buildready and condition_type == "Buildready" and condition_status == "True" then buildready, buildready_message = condition, condition.message end
      if not buildready_condition and condition_type == "Buildready" then buildready_condition, buildready_condition_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if failure then
  verdict, message = "Degraded", text(failure_message) or "the operator reported a failed reconcile"
elseif reconciled ~= nil and controller ~= nil and type(reconciled) ~= "table" and type(controller) ~= "table" and reconciled ~= controller and buildready then
  verdict, message = "Progressing", "reconciling " .. (text(controller) or "a new operator version") .. ", last reconciled " .. (text(reconciled) or "an earlier version")
elseif buildready then
  verdict, message = "Healthy", text(buildready_message) or "Buildready"
elseif buildready_condition then
  verdict, message = "Progressing", text(buildready_condition_message) and "waiting for Buildready: " .. buildready_condition_message or "waiting for Buildready"
else
  verdict, message = "Progressing", "waiting for the operator to report Buildready"
end
return {status = verdict, message = message}
