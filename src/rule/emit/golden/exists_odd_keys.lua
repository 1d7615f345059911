-- mas-health: keys that are not Lua names
-- The first case that holds decides: hit -> Degraded; otherwise Healthy.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local metadata, labels, app_k8s_io_end, spec, end_, verdict, message
if type(obj) == "table" then metadata, spec = obj.metadata, obj.spec end
if type(metadata) == "table" then labels = metadata.labels end
if type(labels) == "table" then app_k8s_io_end = labels["app.k8s.io/end"] end
if type(spec) == "table" then end_ = spec["end"] end
if labels ~= nil and app_k8s_io_end ~= nil and end_ ~= nil then
  verdict, message = "Degraded", "hit"
else
  verdict, message = "Healthy", "ok"
end
return {status = verdict, message = message}
