-- mas-health: OLM InstallPlan
-- The first case that holds decides: phase Complete -> Healthy; phase Failed -> Degraded;
--   otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, phase, installed_false, installed_false_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions, phase = status.conditions, status.phase end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      if not installed_false and condition.type == "Installed" and condition.status == "False" then installed_false, installed_false_message = condition, condition.message end
    end
  end
end
if phase == "Complete" then
  verdict, message = "Healthy", "install plan complete"
elseif phase == "Failed" then
  verdict, message = "Degraded", type(installed_false_message) == "string" and installed_false_message ~= "" and installed_false_message or "the install plan failed"
else
  verdict, message = "Progressing", type(phase) == "string" and phase ~= "" and "phase " .. phase or "waiting for the install plan"
end
return {status = verdict, message = message}
