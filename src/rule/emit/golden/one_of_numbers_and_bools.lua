-- mas-health: numbers and bools
-- The first case that holds decides: hit -> Degraded; otherwise Healthy.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, code, nan, ready, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then code, nan, ready = status.code, status.nan, status.ready end
if code == 0e0 or code == -2.5e0 or code == 1e21 or nan == (0/0) or ready == false then
  verdict, message = "Degraded", "hit"
else
  verdict, message = "Healthy", "ok"
end
return {status = verdict, message = message}
