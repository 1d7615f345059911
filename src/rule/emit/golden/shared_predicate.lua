-- mas-health: a test two clauses share
-- The first case that holds decides: stale and ready -> Progressing; stale -> Degraded;
--   otherwise Healthy.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local spec, v, status, conditions, status_v, ready, verdict, message
if type(obj) == "table" then spec, status = obj.spec, obj.status end
if type(spec) == "table" then v = spec.v end
if type(status) == "table" then conditions, status_v = status.conditions, status.v end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      if not ready and condition.type == "Ready" and condition.status == "True" then ready = condition end
    end
  end
end
local v_differs_from_v = v ~= nil and status_v ~= nil and type(v) ~= "table" and type(status_v) ~= "table" and v ~= status_v
if v_differs_from_v and ready then
  verdict, message = "Progressing", "stale"
elseif v_differs_from_v then
  verdict, message = "Degraded", "stale, not ready"
else
  verdict, message = "Healthy", "ok"
end
return {status = verdict, message = message}
