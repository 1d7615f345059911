-- mas-health: one of
-- The first case that holds decides: hit -> Degraded; otherwise Healthy.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, phase, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then phase = status.phase end
if phase == "Failed" or phase == "Error" or phase == "Lost" then
  verdict, message = "Degraded", "hit"
else
  verdict, message = "Healthy", "ok"
end
return {status = verdict, message = message}
