import { onBeforeUnmount, ref } from 'vue'

/** The seconds to wait before another SMS code may be asked for, counting down once a second. */
export function useCountdown() {
  const seconds = ref(0)
  let timer: ReturnType<typeof setInterval> | undefined

  function stop() {
    if (timer) clearInterval(timer)
    timer = undefined
    seconds.value = 0
  }

  function start(from: number) {
    stop()
    seconds.value = from
    timer = setInterval(() => {
      seconds.value -= 1
      if (seconds.value <= 0) stop()
    }, 1000)
  }

  onBeforeUnmount(stop)
  return { seconds, start }
}
