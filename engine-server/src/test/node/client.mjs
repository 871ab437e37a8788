// The official openai npm client against engine-server; run by OpenAiNodeClientTest.
// Usage: node client.mjs BASE_URL API_KEY IMAGE_FILE   → prints one JSON object with what the client saw.
import fs from 'node:fs';
import OpenAI from 'openai';

const [baseURL, apiKey, imageFile] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60_000 });
const dataUri = 'data:image/jpeg;base64,' + fs.readFileSync(imageFile).toString('base64');
const messages = [{
  role: 'user',
  content: [
    { type: 'image_url', image_url: { url: dataUri } },
    { type: 'text', text: 'Please describe the image in detail.' },
  ],
}];

const out = {};

const models = await client.models.list();
out.models = models.data.map((m) => m.id);

const caption = await client.chat.completions.create({
  model: out.models[0], messages, temperature: 0, max_tokens: 12,
});
out.caption = {
  text: caption.choices[0].message.content,
  finish_reason: caption.choices[0].finish_reason,
  usage: caption.usage,
};

const stream = await client.chat.completions.create({
  model: out.models[0], messages, temperature: 0, max_completion_tokens: 10, stream: true,
  stream_options: { include_usage: true },
});
let text = '';
let finish = null;
let usage = null;
let chunks = 0;
for await (const chunk of stream) {
  chunks++;
  if (chunk.usage) usage = chunk.usage;
  for (const choice of chunk.choices) {
    text += choice.delta.content ?? '';
    if (choice.finish_reason) finish = choice.finish_reason;
  }
}
out.stream = { text, finish_reason: finish, usage, chunks };

try {
  await client.chat.completions.create({
    model: out.models[0],
    messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,@@not base64@@' } }] }],
  });
  out.bad = { status: 200 };
} catch (e) {
  out.bad = { status: e.status, name: e.constructor.name, type: e.type, param: e.param, code: e.code, message: e.message };
}

console.log(JSON.stringify(out));
