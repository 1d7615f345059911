-- mas-health: nesting
-- The first case that holds decides: hit -> Degraded; otherwise Healthy.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, a, b, c, conditions, ready, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then a, b, c, conditions = status.a, status.b, status.c, status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      if not ready and condition.type == "Ready" and condition.status == "True" then ready = condition end
    end
  end
end
if a ~= nil and b == nil or not (c == "x" or ready) or true or false then
  verdict, message = "Degraded", "hit"
else
  verdict, message = "Healthy", "ok"
end
return {status = verdict, message = message}
