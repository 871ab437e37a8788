# Usage: python3 gen_reference.py testdata/tiny-internvl cases.json 600   (needs the `regex` package)
# Reference: transformers' slow Qwen2Tokenizer encode ('ids') and tokenizers' order of cutting added tokens before NFC ('fast_ids', only where it differs) re-implemented with the `regex` module (same pattern,
# same byte table, same bpe loop), run on random strings.
import json, random, sys, unicodedata, regex
d = sys.argv[1]; out = sys.argv[2]; n = int(sys.argv[3])
vocab = json.load(open(d + '/vocab.json', encoding='utf-8'))
lines = open(d + '/merges.txt', encoding='utf-8').read().split('\n')
merges = [tuple(l.split()) for i, l in enumerate(lines) if l.strip() and not (i == 0 and l.startswith('#version:'))]
ranks = dict(zip(merges, range(len(merges))))
cfg = json.load(open(d + '/tokenizer_config.json', encoding='utf-8'))
added = {v['content']: int(k) for k, v in cfg['added_tokens_decoder'].items()}
def b2u():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]; n = 0
    for b in range(256):
        if b not in bs: bs.append(b); cs.append(256 + n); n += 1
    return dict(zip(bs, map(chr, cs)))
enc = b2u()
pat = regex.compile(r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+""")
def bpe(token):
    word = tuple(token)
    if len(word) == 1: return [token]
    while True:
        pairs = set(zip(word, word[1:]))
        bigram = min(pairs, key=lambda p: ranks.get(p, float('inf')))
        if bigram not in ranks: break
        first, second = bigram; new = []; i = 0
        while i < len(word):
            try: j = word.index(first, i)
            except ValueError: new.extend(word[i:]); break
            new.extend(word[i:j]); i = j
            if word[i] == first and i < len(word) - 1 and word[i + 1] == second: new.append(first + second); i += 2
            else: new.append(word[i]); i += 1
        word = tuple(new)
        if len(word) == 1: break
    return list(word)
keys = sorted(added, key=len, reverse=True)
def split_added(t):
    parts = []; start = 0; i = 0
    while i < len(t):
        m = next((k for k in keys if t.startswith(k, i)), None)
        if m is None: i += 1; continue
        if i > start: parts.append(t[start:i])
        parts.append(m); i += len(m); start = i
    if start < len(t): parts.append(t[start:])
    return parts
def encode_part(part, ids):
    for piece in pat.findall(part):
        tok = ''.join(enc[b] for b in piece.encode('utf-8'))
        ids.extend(vocab[x] for x in bpe(tok))
def encode(text):
    # slow: NFC of the whole text, then cut at added tokens
    text = unicodedata.normalize('NFC', text); ids = []
    for part in split_added(text):
        if part in added: ids.append(added[part])
        else: encode_part(part, ids)
    return ids
def encode_fast(text):
    # tokenizers: cut at the (normalized=false) added tokens first, then NFC each remaining part
    ids = []
    for part in split_added(text):
        if part in added: ids.append(added[part])
        else: encode_part(unicodedata.normalize('NFC', part), ids)
    return ids
rnd = random.Random(20240611)
assigned14 = lambda c: unicodedata.category(c) != 'Cn'
pools = [
  list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), list("0123456789"), list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
  list(" \t\n\r\x0b\x0c\x85\xa0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u180e\u200b\x1c\x1f"),
  list("你是书生万象英文名上海人工智能实验室。，、《》"), list("日本語のテキストカタカナ한국어텍스트"), list("\u0301\u0308\u0338\u20dd\u0327"),
  list("éèçñüÅ\u212bﬁＡＢ１２³½Ⅻ٣४"), list("😀👍🏽🚀𝔘𝕟𝖎𠀀"), ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "'ſ", "'x"],
  ["<|im_start|>", "<|im_end|>", "<img>", "</img>", "<IMG_CONTEXT>", "<ref>", "<|endoftext|>", "<|im_start|", "<img", "img>"],
  list("абвгдежΑΒΓαβγאבגابت"), list("\u1100\u1161\u11a8"), ["\r\n", "\n\n", "  ", "   "],
]
cases = []
for k in range(n):
    L = rnd.randint(1, 30); s = []
    for _ in range(L):
        pool = rnd.choice(pools); s.append(rnd.choice(pool))
    text = ''.join(s)
    c = {'text': text, 'ids': encode(text)}
    if encode_fast(text) != c['ids']: c['fast_ids'] = encode_fast(text)   # NFC composed across an added token
    cases.append(c)
# long pieces: BPE on long words and long runs
for text in ['a' * 300, 'ab' * 200, '你' * 120, '1' * 50, ' ' * 100 + 'x', '!' * 200, 'x' + '\u0301' * 50, 'ſ' * 10]:
    cases.append({'text': text, 'ids': encode(text)})
json.dump({'source': 'gen_reference.py', 'cases': cases}, open(out, 'w', encoding='utf-8'), ensure_ascii=True, indent=0)
print(len(cases))
