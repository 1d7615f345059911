-- mas-health: OLM InstallPlan
local a, b, c, d, e, f, g
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c = a.conditions, a.phase end
if type(b) == "table" then
 for _, h in ipairs(b) do
  if type(h) == "table" then
   if not d and h.type == "Installed" and h.status == "False" then d, e = h, h.message end
  end
 end
end
if c == "Complete" then f, g = "Healthy", "install plan complete"
elseif c == "Failed" then f, g = "Degraded", type(e) == "string" and e ~= "" and e or "the install plan failed"
else f, g = "Progressing", type(c) == "string" and c ~= "" and "phase " .. c or "waiting for the install plan" end
return {status = f, message = g}
