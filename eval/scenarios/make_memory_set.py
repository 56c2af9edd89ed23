"""Writes the memory scenario set: long multi-session conversations (Russian and English) with
facts told along the way, some of which change, and questions whose evidence is the message that
holds the (latest) answer. Deterministic: the same files every run.

    python -m eval.scenarios.make_memory_set eval/scenarios/memory
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

# (fact said, [questions]) — questions worded differently from the fact, as people ask.
# A fact given as a list is one that changes: each later version replaces the earlier.
EN_FACTS: list[tuple[list[str], list[str]]] = [
    (
        ["My sister is called Anna."],
        ["What is my sister's name?", "Remind me, my sister is called what?", "Who is my sister?"],
    ),
    (
        [
            "I work as a nurse at the city hospital.",
            "I quit the hospital, now I teach biology at a school.",
        ],
        ["What do I do for a living?", "What is my job?", "Where do I work now?"],
    ),
    (
        ["We live in Kazan.", "We moved! We live in Moscow now."],
        [
            "Which city do I live in?",
            "In what town is my flat?",
            "Where is home for me these days?",
        ],
    ),
    (
        ["My cat is called Barsik, he is three."],
        ["What's my cat's name?", "Tell me about my pet.", "How old is my cat?"],
    ),
    (
        ["I'm allergic to peanuts, badly."],
        [
            "Am I allergic to anything?",
            "Is there a food that is dangerous for me?",
            "Which food must I avoid?",
        ],
    ),
    (
        ["My favourite tea is sencha."],
        [
            "What tea do I like best?",
            "My favourite drink in the morning?",
            "Which tea should you offer me?",
        ],
    ),
    (
        ["My birthday is on the 14th of March."],
        [
            "When is my birthday?",
            "What is my date of birth?",
            "Which day should you congratulate me?",
        ],
    ),
    (
        ["I drive an old blue Skoda.", "I sold the Skoda and bought a red Kia."],
        ["What car do I have?", "Which brand is my car?", "What colour is my car?"],
    ),
    (
        ["My son Mark plays the violin."],
        ["What instrument does my son play?", "Does my son make music?", "What is my son's name?"],
    ),
    (
        ["I run five kilometres every Sunday morning."],
        ["How often do I go running?", "What do I do on Sunday mornings?", "How far do I run?"],
    ),
    (
        ["My best friend Tom lives in Berlin."],
        [
            "Where does my best friend live?",
            "In which country is my best friend?",
            "Who is my best friend?",
        ],
    ),
    (
        ["I can't stand jazz, it gives me a headache."],
        [
            "Which music do I dislike?",
            "Is there a genre that gives me headaches?",
            "Should you play jazz for me?",
        ],
    ),
    (
        ["My password manager is Bitwarden."],
        ["Which password manager do I use?", "Where do I keep my passwords?"],
    ),
    (
        ["I'm learning Spanish on Duolingo.", "I switched from Spanish to Italian lessons."],
        [
            "Which language am I learning?",
            "What app lessons do I do?",
            "What language lessons do I take now?",
        ],
    ),
    (
        ["My dentist appointment is on Friday at 10."],
        ["When do I see the dentist?", "Do I have any appointment this week?"],
    ),
]
RU_FACTS: list[tuple[list[str], list[str]]] = [
    (
        ["Мою сестру зовут Маша."],
        ["Как зовут мою сестру?", "Напомни имя моей сестры.", "Кто моя сестра?"],
    ),
    (
        [
            "Я работаю медсестрой в городской больнице.",
            "Я ушла из больницы, теперь преподаю биологию в школе.",
        ],
        ["Кем я работаю?", "Какая у меня профессия?", "Где я сейчас работаю?"],
    ),
    (
        ["Мы живём в Казани.", "Мы переехали! Теперь живём в Москве."],
        ["В каком городе я живу?", "Где находится мой дом?", "Где я сейчас живу?"],
    ),
    (
        ["Моего кота зовут Барсик, ему три года."],
        ["Как зовут моего кота?", "Расскажи про моего питомца.", "Сколько лет моему коту?"],
    ),
    (
        ["У меня сильная аллергия на арахис."],
        ["На что у меня аллергия?", "Есть ли продукты, опасные для меня?", "Какую еду мне нельзя?"],
    ),
    (
        ["Мой любимый чай — сенча."],
        [
            "Какой чай я люблю больше всего?",
            "Мой любимый утренний напиток?",
            "Какой чай мне предложить?",
        ],
    ),
    (
        ["Мой день рождения четырнадцатого марта."],
        ["Когда у меня день рождения?", "Какого числа я родился?", "Когда меня поздравлять?"],
    ),
    (
        ["Я езжу на старой синей шкоде.", "Я продал шкоду и купил красную киа."],
        ["Какая у меня машина?", "Какой марки мой автомобиль?", "Какого цвета моя машина?"],
    ),
    (
        ["Мой сын Марк играет на скрипке."],
        ["На чём играет мой сын?", "Мой сын занимается музыкой?", "Как зовут моего сына?"],
    ),
    (
        ["По воскресеньям утром я бегаю пять километров."],
        [
            "Как часто я бегаю?",
            "Чем я занимаюсь по воскресеньям утром?",
            "Сколько километров я бегаю?",
        ],
    ),
    (
        ["Мой лучший друг Тимур живёт в Берлине."],
        ["Где живёт мой лучший друг?", "В какой стране живёт мой друг?", "Кто мой лучший друг?"],
    ),
    (
        ["Терпеть не могу джаз, от него болит голова."],
        [
            "Какую музыку я не люблю?",
            "От какой музыки у меня болит голова?",
            "Можно мне включить джаз?",
        ],
    ),
    (
        ["Я учу испанский в дуолинго.", "Я бросил испанский и перешёл на итальянский."],
        ["Какой язык я учу?", "Какие уроки я прохожу в приложении?", "Какой язык я сейчас изучаю?"],
    ),
    (
        ["Запись к стоматологу в пятницу в десять."],
        ["Когда мне к стоматологу?", "Есть ли у меня запись к врачу?"],
    ),
    (
        ["Бабушка живёт в деревне под Тверью."],
        ["Где живёт моя бабушка?", "В какой деревне бабушка?"],
    ),
]
EN_FACTS_B: list[tuple[list[str], list[str]]] = [
    (
        ["My husband Igor is a pilot."],
        [
            "What does my husband do?",
            "What is my husband's name?",
            "Who flies planes in my family?",
        ],
    ),
    (
        ["Our dog Rex is a German shepherd."],
        ["What breed is our dog?", "What is the dog called?", "Do we have a dog?"],
    ),
    (
        ["I grow tomatoes and cucumbers at the dacha."],
        [
            "What do I grow in my garden?",
            "What vegetables do I plant?",
            "What do I do at the dacha?",
        ],
    ),
    (
        ["My mother lives in Samara.", "Mum moved in with us last month."],
        ["Where does my mother live?", "Is my mum still in Samara?", "Who lives with us?"],
    ),
    (
        ["I take the 7:40 train to work."],
        ["How do I get to work?", "What time is my train?", "When do I leave in the morning?"],
    ),
    (
        ["I'm saving up for a trip to Japan."],
        [
            "What am I saving money for?",
            "Where do I want to travel?",
            "Which country do I dream of visiting?",
        ],
    ),
    (
        ["My daughter Lisa is in fifth grade."],
        [
            "Which grade is my daughter in?",
            "What is my daughter's name?",
            "How old is Lisa roughly?",
        ],
    ),
    (
        [
            "I play chess online every evening.",
            "I stopped chess, now I do jigsaw puzzles in the evenings.",
        ],
        ["What is my evening hobby?", "Do I still play chess?", "What do I do after dinner?"],
    ),
    (
        ["I'm vegetarian since 2019."],
        ["Do I eat meat?", "What is my diet?", "Since when am I vegetarian?"],
    ),
    (
        ["My boss is called Sergei Petrovich and he is strict."],
        ["What is my boss's name?", "What is my boss like?", "Who do I report to?"],
    ),
    (
        ["I wear glasses for reading."],
        ["Do I need glasses?", "What are my glasses for?", "Can I read without help?"],
    ),
    (
        ["We got married in Sochi in 2015."],
        ["Where was my wedding?", "When did I get married?", "In which year was the wedding?"],
    ),
    (
        ["I bake bread on Saturdays."],
        ["What do I do on Saturdays?", "Do I bake?", "What kind of baking do I do?"],
    ),
    (
        ["My phone is a Pixel 6.", "I dropped the Pixel, so I bought an iPhone."],
        ["What phone do I use?", "Which smartphone do I have now?", "Do I still have the Pixel?"],
    ),
    (
        ["I'm afraid of spiders."],
        ["What am I afraid of?", "Do spiders scare me?", "What is my phobia?"],
    ),
    (
        ["My grandfather fought at Stalingrad."],
        [
            "Where did my grandfather fight?",
            "Tell me about my grandfather.",
            "Which battle was my grandpa in?",
        ],
    ),
    (["I sing in a church choir."], ["Do I sing?", "Where do I sing?", "What choir am I in?"]),
    (
        ["My favourite writer is Chekhov."],
        ["Who is my favourite author?", "Which writer do I love?", "What books do I like?"],
    ),
    (
        ["The wifi at home is slow in the kitchen."],
        [
            "Where is the wifi weak?",
            "Why is the internet bad in the kitchen?",
            "How is our home wifi?",
        ],
    ),
    (
        ["I broke my arm skiing in 2022."],
        [
            "Did I ever break a bone?",
            "What happened when I went skiing?",
            "When did I break my arm?",
        ],
    ),
]
RU_FACTS_B: list[tuple[list[str], list[str]]] = [
    (
        ["Мой муж Игорь работает пилотом."],
        ["Кем работает мой муж?", "Как зовут моего мужа?", "Кто в семье летает на самолётах?"],
    ),
    (
        ["Наша собака Рекс — немецкая овчарка."],
        ["Какой породы наша собака?", "Как зовут собаку?", "Есть ли у нас собака?"],
    ),
    (
        ["На даче я выращиваю помидоры и огурцы."],
        ["Что я выращиваю на огороде?", "Какие овощи я сажаю?", "Чем я занимаюсь на даче?"],
    ),
    (
        ["Мама живёт в Самаре.", "Мама в прошлом месяце переехала к нам."],
        ["Где живёт моя мама?", "Мама всё ещё в Самаре?", "Кто живёт с нами?"],
    ),
    (
        ["На работу я езжу электричкой в 7:40."],
        ["Как я добираюсь до работы?", "Во сколько моя электричка?", "Когда я выхожу утром?"],
    ),
    (
        ["Я коплю на поездку в Японию."],
        ["На что я коплю деньги?", "Куда я хочу поехать?", "О какой стране я мечтаю?"],
    ),
    (
        ["Моя дочь Лиза учится в пятом классе."],
        ["В каком классе моя дочь?", "Как зовут мою дочь?", "Сколько примерно лет Лизе?"],
    ),
    (
        [
            "Каждый вечер играю в шахматы онлайн.",
            "Бросил шахматы, теперь по вечерам собираю пазлы.",
        ],
        ["Чем я увлекаюсь по вечерам?", "Я всё ещё играю в шахматы?", "Чем я занят после ужина?"],
    ),
    (
        ["Я вегетарианец с 2019 года."],
        ["Я ем мясо?", "Какая у меня диета?", "С какого года я вегетарианец?"],
    ),
    (
        ["Моего начальника зовут Сергей Петрович, он строгий."],
        ["Как зовут моего начальника?", "Какой у меня начальник?", "Кому я подчиняюсь?"],
    ),
    (
        ["Я ношу очки для чтения."],
        ["Нужны ли мне очки?", "Для чего мне очки?", "Могу ли я читать без очков?"],
    ),
    (
        ["Мы поженились в Сочи в 2015 году."],
        ["Где была моя свадьба?", "Когда я женился?", "В каком году была свадьба?"],
    ),
    (
        ["По субботам я пеку хлеб."],
        ["Что я делаю по субботам?", "Я пеку?", "Какую выпечку я делаю?"],
    ),
    (
        ["У меня телефон Pixel 6.", "Я разбил пиксель и купил айфон."],
        ["Какой у меня телефон?", "Какой смартфон у меня сейчас?", "Пиксель всё ещё у меня?"],
    ),
    (["Я боюсь пауков."], ["Чего я боюсь?", "Пугают ли меня пауки?", "Какая у меня фобия?"]),
    (
        ["Мой дед воевал под Сталинградом."],
        ["Где воевал мой дед?", "Расскажи про моего деда.", "В какой битве был дедушка?"],
    ),
    (["Я пою в церковном хоре."], ["Я пою?", "Где я пою?", "В каком хоре я состою?"]),
    (
        ["Мой любимый писатель — Чехов."],
        ["Кто мой любимый писатель?", "Какого автора я люблю?", "Какие книги мне нравятся?"],
    ),
    (
        ["Дома на кухне плохо ловит вайфай."],
        ["Где слабый вайфай?", "Почему на кухне плохой интернет?", "Как у нас дома с вайфаем?"],
    ),
    (
        ["В 2022 году я сломал руку на лыжах."],
        [
            "Ломал ли я когда-нибудь кости?",
            "Что случилось, когда я катался на лыжах?",
            "Когда я сломал руку?",
        ],
    ),
]
EN_FILLER = [
    "How are you today?",
    "Tell me a joke.",
    "The weather is grey again.",
    "I had a long day.",
    "What should I cook tonight?",
    "Thanks, that helps.",
    "Can you explain how a kettle works?",
    "I watched a film yesterday.",
    "Let's talk about something else.",
    "Good morning!",
    "I'm a bit tired.",
    "What's a good book to read?",
    "Ha, that's funny.",
    "Remind me later.",
]
RU_FILLER = [
    "Как у тебя дела?",
    "Расскажи анекдот.",
    "Опять пасмурно.",
    "Был длинный день.",
    "Что приготовить на ужин?",
    "Спасибо, помогло.",
    "Объясни, как работает чайник?",
    "Вчера смотрел фильм.",
    "Давай о другом.",
    "Доброе утро!",
    "Я немного устал.",
    "Посоветуй книгу.",
    "Ха, смешно.",
    "Напомни позже.",
]
EN_REPLIES = [
    "I see.",
    "Got it, I'll remember.",
    "That sounds nice.",
    "Tell me more.",
    "Of course.",
]
RU_REPLIES = ["Понятно.", "Запомню.", "Звучит здорово.", "Расскажи подробнее.", "Конечно."]


def conversation(
    name: str,
    facts: list[tuple[list[str], list[str]]],
    filler: list[str],
    replies: list[str],
    seed: int,
) -> tuple[list[dict[str, str]], list[dict[str, object]]]:
    rng = random.Random(seed)
    start = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    sessions = 12
    # Each version of each fact goes into a session; a later version in a later session.
    placed: dict[int, list[tuple[int, int]]] = {}
    for f, (versions, _) in enumerate(facts):
        slots = sorted(rng.sample(range(sessions), len(versions)))
        for v, s in enumerate(slots):
            placed.setdefault(s, []).append((f, v))
    episodes: list[dict[str, str]] = []
    latest: dict[int, str] = {}
    n = 0
    for s in range(sessions):
        when = start + dt.timedelta(days=14 * s + rng.randint(0, 5))
        lines = [("filler", rng.choice(filler)) for _ in range(rng.randint(8, 14))]
        for f, v in placed.get(s, []):
            lines.insert(rng.randint(0, len(lines)), (f"fact:{f}:{v}", facts[f][0][v]))
        for tag, text in lines:
            when += dt.timedelta(minutes=rng.randint(1, 4))
            n += 1
            episode_id = f"{name}-{n:04d}"
            episodes.append(
                {
                    "id": episode_id,
                    "conversation": f"{name}-s{s:02d}",
                    "speaker": "user",
                    "text": text,
                    "time": when.isoformat(),
                }
            )
            if tag.startswith("fact:"):
                latest[int(tag.split(":")[1])] = episode_id  # versions come in order
            n += 1
            when += dt.timedelta(seconds=30)
            episodes.append(
                {
                    "id": f"{name}-{n:04d}",
                    "conversation": f"{name}-s{s:02d}",
                    "speaker": "assistant",
                    "text": rng.choice(replies),
                    "time": when.isoformat(),
                }
            )
    asked = (start + dt.timedelta(days=14 * sessions + 7)).isoformat()
    queries = [
        {"question": q, "evidence": [latest[f]], "time": asked, "changed": len(facts[f][0]) > 1}
        for f, (_, questions) in enumerate(facts)
        for q in questions
    ]
    return episodes, queries


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    episodes: list[dict[str, str]] = []
    queries: list[dict[str, object]] = []
    sets = [
        ("en-anna", EN_FACTS, EN_FILLER, EN_REPLIES),
        ("en-olga", EN_FACTS_B, EN_FILLER, EN_REPLIES),
        ("ru-masha", RU_FACTS, RU_FILLER, RU_REPLIES),
        ("ru-timur", RU_FACTS_B, RU_FILLER, RU_REPLIES),
    ]
    for seed, (name, facts, filler, replies) in enumerate(sets):
        e, q = conversation(name, facts, filler, replies, seed)
        episodes += e
        queries += q
    with (folder / "episodes.jsonl").open("w", encoding="utf-8") as fh:
        for episode in episodes:
            fh.write(json.dumps(episode, ensure_ascii=False) + "\n")
    with (folder / "queries.jsonl").open("w", encoding="utf-8") as fh:
        for query in queries:
            fh.write(json.dumps(query, ensure_ascii=False) + "\n")
    print(f"{len(episodes)} episodes, {len(queries)} questions in {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "eval/scenarios/memory"))
