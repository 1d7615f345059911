-- mas-health: NVIDIA ClusterPolicy (state)
local a, b, c, d, e, f, g
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c = a.conditions, a.state end
if type(b) == "table" then
 for _, h in ipairs(b) do
  if type(h) == "table" then
   if not d and h.type == "Error" and h.status == "True" and h.reason ~= "OperandNotReady" then d, e = h, h.message end
  end
 end
end
if d then f, g = "Degraded", type(e) == "string" and e ~= "" and e or "the GPU operator reports an error"
elseif c == "ready" then f, g = "Healthy", "GPU operator ready"
elseif c == "ignored" then f, g = "Degraded", "state ignored: another ClusterPolicy is already active"
else f, g = "Progressing", type(c) == "string" and c ~= "" and "state " .. c or "waiting for status.state" end
return {status = f, message = g}
