-- mas-health: consecutive clauses with one verdict
-- The first case that holds decides: a -> Degraded; b -> Degraded; c -> Degraded; d -> Degraded;
--   otherwise Healthy.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, a, b, c, d, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then a, b, c, d = status.a, status.b, status.c, status.d end
if a ~= nil or b ~= nil then
  verdict, message = "Degraded", "bad"
elseif c ~= nil then
  verdict, message = "Degraded", "other"
elseif d ~= nil then
  verdict, message = "Degraded", "bad"
else
  verdict, message = "Healthy", "ok"
end
return {status = verdict, message = message}
